// KafkaReady: waits until a Kafka cluster answers metadata with the expected
// number of brokers. Used by scripts/kafka.sh; run with the Kafka jars on the
// class path through the single-file source launcher:
//
//   java -cp '.cache/kafka/lib/*' scripts/KafkaReady.java BOOTSTRAP BROKERS TIMEOUT_S [PID...]
//
// It polls describeCluster (a Metadata request: only registered, unfenced
// brokers are listed) every 250 ms and exits 0 as soon as BROKERS brokers are
// listed, 1 on timeout, 2 if one of the given PIDs died meanwhile.
import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

public class KafkaReady {
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: KafkaReady BOOTSTRAP BROKERS TIMEOUT_S [PID...]");
            System.exit(64);
        }
        String bootstrap = args[0];
        int want = Integer.parseInt(args[1]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));

        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        p.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "500");

        String last = "no answer yet";
        try (Admin admin = Admin.create(p)) {
            while (System.nanoTime() < deadline) {
                for (int i = 3; i < args.length; i++) {
                    long pid = Long.parseLong(args[i]);
                    boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                    if (!alive) {
                        System.err.println("KafkaReady: process " + pid + " is not running");
                        System.exit(2);
                    }
                }
                try {
                    Collection<Node> nodes = admin.describeCluster(
                            new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS);
                    last = nodes.size() + " broker(s): " + nodes.stream()
                            .map(n -> n.id() + "@" + n.host() + ":" + n.port() + (n.hasRack() ? "/" + n.rack() : ""))
                            .sorted().collect(Collectors.joining(", "));
                    if (nodes.size() >= want) {
                        System.out.println("KafkaReady: " + last);
                        return;
                    }
                } catch (Exception e) {
                    Throwable c = e.getCause() != null ? e.getCause() : e;
                    last = c.getClass().getSimpleName() + ": " + c.getMessage();
                }
                Thread.sleep(250);
            }
        }
        System.err.println("KafkaReady: timed out; last answer: " + last);
        System.exit(1);
    }
}
