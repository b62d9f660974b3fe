package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The numbers a pass reads from the reply subject of each delivered message. */
class AckReplyTest {
  @Test
  void theFirstForm_givesStreamSequence_consumerSequence_andPending() {
    BucketScan.AckReply a =
        BucketScan.AckReply.parse("$JS.ACK.KV_orders.GmM4tKNa.1.50123.17.1764201600000000000.4");

    assertThat(a).isNotNull();
    assertThat(a.streamSequence).isEqualTo(50123);
    assertThat(a.consumerSequence).isEqualTo(17);
    assertThat(a.pending).isEqualTo(4);
  }

  @Test
  void theFormWithDomainAndAccountHash_withOrWithoutTheLastToken_givesTheSameNumbers() {
    String v2 = "$JS.ACK.hub.ACCHASH.KV_orders.GmM4tKNa.2.7.3.1764201600000000000.0";

    for (String reply : new String[] {v2, v2 + ".r4nd0m"}) {
      BucketScan.AckReply a = BucketScan.AckReply.parse(reply);
      assertThat(a).as(reply).isNotNull();
      assertThat(a.streamSequence).isEqualTo(7);
      assertThat(a.consumerSequence).isEqualTo(3);
      assertThat(a.pending).isZero();
    }
  }

  @Test
  void subjectsThatAreNotAcknowledgements_orHaveNoNumbers_giveNothing() {
    assertThat(BucketScan.AckReply.parse(null)).isNull();
    assertThat(BucketScan.AckReply.parse("_INBOX.abc")).isNull();
    assertThat(BucketScan.AckReply.parse("$JS.FC.KV_orders.x.y")).isNull();
    assertThat(BucketScan.AckReply.parse("$JS.ACK.KV_orders.c.1.x.17.1764201600000000000.4"))
        .isNull();
    assertThat(BucketScan.AckReply.parse("$JS.ACK.KV_orders.c.1.5.17.1764201600000000000"))
        .isNull();
    assertThat(BucketScan.AckReply.parse("$JS.ACK.KV_orders.c.1.5.17.1764201600000000000."))
        .isNull();
  }
}
