//! The embedded broker: librdkafka's built-in mock cluster, for `newswire dev` and
//! tests on a machine with nothing installed. It keeps everything in memory, has no
//! CreateTopics (topics are made through its own API), and does not store
//! transactional offsets nor enforce `read_committed`: exactly-once claims are proven
//! on Apache Kafka (see `deploy/kafka/`).

use crate::kafka::TopicSpec;
use rdkafka::bindings as rdsys;
use rdkafka::error::KafkaResult;
use rdkafka::mocking::MockCluster;
use rdkafka::producer::{BaseProducer, DefaultProducerContext, Producer};
use rdkafka::types::{RDKafkaApiKey, RDKafkaRespErr};
use rdkafka::ClientConfig;
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// Bootstrap addresses of the mock clusters this process started: they have no
/// DescribeConfigs, and a request for it waits for its timeout, so nobody asks them.
fn embedded_bootstraps() -> &'static Mutex<HashSet<String>> {
    static ADDRESSES: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    ADDRESSES.get_or_init(Mutex::default)
}

/// Whether `bootstrap` is a mock cluster started by this process.
pub fn is_embedded(bootstrap: &str) -> bool {
    embedded_bootstraps()
        .lock()
        .expect("embedded brokers lock")
        .contains(bootstrap)
}

pub struct EmbeddedBroker {
    /// The mock cluster lives as long as the client that created it.
    owner: BaseProducer<DefaultProducerContext>,
    bootstrap: String,
}

impl EmbeddedBroker {
    pub fn start(brokers: i32) -> KafkaResult<Self> {
        let owner: BaseProducer = ClientConfig::new()
            .set("test.mock.num.brokers", brokers.to_string())
            .create()?;
        let bootstrap = owner
            .client()
            .mock_cluster()
            .expect("test.mock.num.brokers creates a mock cluster")
            .bootstrap_servers();
        embedded_bootstraps()
            .lock()
            .expect("embedded brokers lock")
            .insert(bootstrap.clone());
        let broker = Self { owner, bootstrap };
        // The mock delays a new consumer group's first assignment by 3 s by default;
        // Apache Kafka is configured with 0 in deploy/kafka, and so is this.
        // SAFETY: the handle belongs to `owner`, which outlives this call.
        unsafe {
            let cluster = rdsys::rd_kafka_handle_mock_cluster(broker.owner.client().native_ptr());
            rdsys::rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, 0);
        }
        Ok(broker)
    }

    pub fn bootstrap_servers(&self) -> &str {
        &self.bootstrap
    }

    fn cluster(&self) -> MockCluster<'_, DefaultProducerContext> {
        self.owner.client().mock_cluster().expect("mock cluster")
    }

    pub fn create_topics(&self, topics: &[TopicSpec]) -> KafkaResult<()> {
        for t in topics {
            self.cluster().create_topic(&t.name, t.partitions, 1)?;
        }
        Ok(())
    }

    /// Fault injection: the broker stops answering until [`EmbeddedBroker::broker_up`].
    pub fn broker_down(&self, broker_id: i32) -> KafkaResult<()> {
        self.cluster().broker_down(broker_id)
    }

    pub fn broker_up(&self, broker_id: i32) -> KafkaResult<()> {
        self.cluster().broker_up(broker_id)
    }

    /// Fault injection: the next requests of this kind fail with these errors, in order.
    pub fn request_errors(&self, api: RDKafkaApiKey, errors: &[RDKafkaRespErr]) {
        self.cluster().request_errors(api, errors)
    }

    pub fn round_trip_time(&self, broker_id: i32, delay: Duration) -> KafkaResult<()> {
        self.cluster().broker_round_trip_time(broker_id, delay)
    }
}
