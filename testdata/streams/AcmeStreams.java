// AcmeStreams: the Kafka Streams application of the kdocs test estate, a single-file Java program
// run by scripts/streams.sh with `java -cp '<kafka-streams jars>/*' AcmeStreams.java BOOTSTRAP DIR`.
//
// application.id acme-order-stats. It reads orders.order-placed.v1 (seeded by testdata/seed),
// re-keys each record by its partition-independent value size bucket (a repartition topic,
// acme-order-stats-by-size-repartition), counts per key in the state store order-counts (its
// changelog, acme-order-stats-order-counts-changelog), and writes the counts to
// orders.order-stats.v1, which it creates if missing (the test brokers do not auto-create
// topics). It commits every second and runs until stopped; once its first commit is done it
// writes DIR/committed so that the script can wait for it.
//
// Environment variables run another instance beside it (the streams groups facts test,
// generator/kafka, through testenv.StartStreamsApp): KDOCS_STREAMS_APP_ID replaces the
// application.id (and so the group id, the client id <id>-client and the internal topics'
// prefix), KDOCS_STREAMS_OUTPUT the output topic, and KDOCS_STREAMS_PROTOCOL sets group.protocol
// (KIP-1071: "streams" makes a streams group, Kafka 4.2+); unset, the app runs as above on the
// classic protocol. The property is named as a string so that the file compiles against 3.9.
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

public class AcmeStreams {
    static final String APP = envOr("KDOCS_STREAMS_APP_ID", "acme-order-stats");
    static final String INPUT = "orders.order-placed.v1";
    static final String OUTPUT = envOr("KDOCS_STREAMS_OUTPUT", "orders.order-stats.v1");

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        Path dir = Path.of(args[1]);
        Files.createDirectories(dir);

        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin a = Admin.create(admin)) {
            a.createTopics(List.of(new NewTopic(OUTPUT, 3, (short) 3))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) throw e;
        }

        StreamsBuilder b = new StreamsBuilder();
        b.stream(INPUT, Consumed.with(Serdes.Bytes(), Serdes.Bytes()))
            .map((k, v) -> KeyValue.pair("size-" + (v == null ? 0 : v.get().length / 16), v))
            .groupByKey(Grouped.<String, Bytes>as("by-size").withKeySerde(Serdes.String()).withValueSerde(Serdes.Bytes()))
            .count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("order-counts")
                .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
            .toStream()
            .to(OUTPUT, Produced.with(Serdes.String(), Serdes.Long()));

        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        p.put(StreamsConfig.CLIENT_ID_CONFIG, APP + "-client");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        String protocol = System.getenv("KDOCS_STREAMS_PROTOCOL");
        if (protocol != null && !protocol.isEmpty()) p.put("group.protocol", protocol);

        KafkaStreams streams = new KafkaStreams(b.build(), p);
        CountDownLatch stopped = new CountDownLatch(1);
        streams.setUncaughtExceptionHandler(e -> {
            e.printStackTrace();
            stopped.countDown();
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            stopped.countDown();
        }));
        streams.start();

        // Committed once the group has an offset on every input partition.
        Properties cp = new Properties();
        cp.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin a = Admin.create(cp)) {
            while (stopped.getCount() > 0) {
                var offsets = a.listConsumerGroupOffsets(APP).partitionsToOffsetAndMetadata().get();
                long inputs = offsets.keySet().stream().filter(tp -> tp.topic().equals(INPUT)).count();
                int partitions = a.describeTopics(List.of(INPUT)).allTopicNames().get().get(INPUT).partitions().size();
                if (streams.state() == KafkaStreams.State.RUNNING && inputs == partitions) {
                    Files.writeString(dir.resolve("committed"), "ok\n");
                    break;
                }
                Thread.sleep(500);
            }
        }
        stopped.await();
    }

    static String envOr(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? def : v;
    }
}
