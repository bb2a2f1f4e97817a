// ConnectSeed: the upstream side of the MirrorMaker 2 example. Creates a topic on a cluster,
// writes records to it and reads them back in a consumer group that commits, so that MM2 has a
// topic to replicate and group offsets to checkpoint. Used by scripts/connect.sh; run with the
// Kafka jars on the class path through the single-file source launcher:
//
//   java -cp '.cache/connect/lib-V/*' scripts/ConnectSeed.java BOOTSTRAP TOPIC GROUP RECORDS
//
// Idempotent: an existing topic is kept; records are added on every run (a topic that only grows
// is what MM2 replicates), the group commits to the end.
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class ConnectSeed {
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: ConnectSeed BOOTSTRAP TOPIC GROUP RECORDS");
            System.exit(64);
        }
        String bootstrap = args[0], topic = args[1], group = args[2];
        int records = Integer.parseInt(args[3]);
        Properties common = new Properties();
        common.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(common)) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3))).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) throw e;
            }
        }
        Properties p = new Properties();
        p.putAll(common);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < records; i++) {
                String sku = "sku-" + (i % 7);
                producer.send(new ProducerRecord<>(topic, sku, "{\"sku\":\"" + sku + "\",\"level\":" + i + "}"));
            }
            producer.flush();
        }
        Properties c = new Properties();
        c.putAll(common);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        int read = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(500)).count();
                if (!consumer.assignment().isEmpty()) {
                    Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
                    boolean atEnd = true;
                    for (var e : end.entrySet()) atEnd &= consumer.position(e.getKey()) >= e.getValue();
                    if (atEnd) break;
                }
            }
            consumer.commitSync();
        }
        System.err.println("connect-seed: " + records + " records written to " + topic + ", group " + group + " read " + read + " and committed");
    }
}
