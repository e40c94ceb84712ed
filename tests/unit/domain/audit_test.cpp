#include "anguan/domain/audit/audit.hpp"

#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace anguan::audit {
namespace {

Entry sampleEntry(std::int64_t seq) {
  Entry e;
  e.seq = seq;
  e.at = fromMillis(1772323200000 + seq * 1000);
  e.actor_id = 7;
  e.actor_name = "张三";
  e.client_address = "10.0.0.7";
  e.action = seq % 2 == 0 ? "update" : "create";
  e.entity = "areas";
  e.entity_id = 100 + seq;
  e.org_path = "/1/4/";
  e.before_json = seq % 2 == 0 ? R"({"name":"old"})" : "";
  e.after_json = R"({"name":"entry )" + std::to_string(seq) + R"("})";
  return e;
}

// A correctly chained sequence 1..n, as AuditRepository::append builds it.
std::vector<Entry> makeChain(int n) {
  std::vector<Entry> chain;
  std::string prev = kGenesisHash;
  for (int i = 1; i <= n; ++i) {
    Entry e = sampleEntry(i);
    e.prev_hash = prev;
    e.hash = chainHash(e);
    prev = e.hash;
    chain.push_back(std::move(e));
  }
  return chain;
}

VerifyResult verify(const std::vector<Entry>& entries) {
  ChainVerifier verifier;
  for (const auto& e : entries) {
    if (!verifier.feed(e)) {
      break;
    }
  }
  return verifier.result();
}

class AuditChainTest : public ::testing::Test {
 protected:
  std::vector<Entry> chain_ = makeChain(100);
};

TEST_F(AuditChainTest, ChainHashIsDeterministicHex) {
  const Entry e = chain_[0];
  EXPECT_EQ(chainHash(e), chainHash(e));
  EXPECT_EQ(chainHash(e).size(), 64u);
  EXPECT_EQ(chainHash(e).find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST_F(AuditChainTest, GenesisHashIs64Zeros) {
  EXPECT_EQ(std::string(kGenesisHash), std::string(64, '0'));
  EXPECT_EQ(chain_[0].prev_hash, kGenesisHash);
}

TEST_F(AuditChainTest, AcceptsAGoodChainOf100Entries) {
  const VerifyResult r = verify(chain_);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.checked, 100);
  EXPECT_FALSE(r.first_bad_seq.has_value());
  EXPECT_EQ(r.reason, "");
}

TEST_F(AuditChainTest, AcceptsAnEmptyChain) {
  ChainVerifier verifier;
  EXPECT_TRUE(verifier.result().ok);
  EXPECT_EQ(verifier.result().checked, 0);
}

TEST_F(AuditChainTest, AlteredContentIsAHashMismatchAtThatSeq) {
  chain_[36].after_json = R"({"name":"forged"})";  // seq 37
  const VerifyResult r = verify(chain_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 37);
  EXPECT_EQ(r.reason, "hash_mismatch");
  EXPECT_EQ(r.checked, 36);
}

TEST_F(AuditChainTest, AlteredStoredHashIsAHashMismatchAtThatSeq) {
  chain_[36].hash[0] = chain_[36].hash[0] == 'a' ? 'b' : 'a';
  const VerifyResult r = verify(chain_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 37);
  EXPECT_EQ(r.reason, "hash_mismatch");
}

TEST_F(AuditChainTest, AlteredContentWithRecomputedHashBreaksTheNextLink) {
  chain_[36].actor_name = "李四";
  chain_[36].hash = chainHash(chain_[36]);  // The forger fixes up entry 37 only.
  const VerifyResult r = verify(chain_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 38);
  EXPECT_EQ(r.reason, "broken_link");
  EXPECT_EQ(r.checked, 37);
}

TEST_F(AuditChainTest, AlteredLastEntryIsDetected) {
  chain_[99].action = "delete";
  const VerifyResult r = verify(chain_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 100);
  EXPECT_EQ(r.reason, "hash_mismatch");
}

TEST_F(AuditChainTest, FirstEntryMustLinkToGenesis) {
  chain_[0].prev_hash = std::string(64, '1');
  chain_[0].hash = chainHash(chain_[0]);
  const VerifyResult r = verify(chain_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 1);
  EXPECT_EQ(r.reason, "broken_link");
}

TEST_F(AuditChainTest, RemovedEntryIsASequenceGapNamingTheMissingSeq) {
  chain_.erase(chain_.begin() + 49);  // seq 50
  const VerifyResult r = verify(chain_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 50);
  EXPECT_EQ(r.reason, "sequence_gap");
  EXPECT_EQ(r.checked, 49);
}

TEST_F(AuditChainTest, RemovedFirstEntryIsASequenceGapAtOne) {
  chain_.erase(chain_.begin());
  const VerifyResult r = verify(chain_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 1);
  EXPECT_EQ(r.reason, "sequence_gap");
}

TEST_F(AuditChainTest, RemovedEntryWithRenumberedSeqsBreaksTheLink) {
  chain_.erase(chain_.begin() + 49);
  for (std::size_t i = 49; i < chain_.size(); ++i) {
    chain_[i].seq = static_cast<std::int64_t>(i) + 1;
  }
  const VerifyResult r = verify(chain_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 50);
  EXPECT_EQ(r.reason, "broken_link");
}

TEST_F(AuditChainTest, ReorderedEntriesAreDetectedAtTheFirstMisplacedSeq) {
  std::swap(chain_[19], chain_[20]);  // seq 21 arrives where 20 is expected.
  const VerifyResult r = verify(chain_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 20);
  EXPECT_EQ(r.reason, "sequence_gap");
}

TEST_F(AuditChainTest, ReorderedEntriesWithSwappedSeqsAreDetected) {
  std::swap(chain_[19], chain_[20]);
  std::swap(chain_[19].seq, chain_[20].seq);
  const VerifyResult r = verify(chain_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 20);
  EXPECT_EQ(r.reason, "broken_link");
}

TEST_F(AuditChainTest, DuplicatedEntryIsASequenceGap) {
  chain_.insert(chain_.begin() + 10, chain_[9]);  // seq 10 twice.
  const VerifyResult r = verify(chain_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 11);
  EXPECT_EQ(r.reason, "sequence_gap");
}

TEST_F(AuditChainTest, VerifierStaysFailedAfterTheFirstBadEntry) {
  chain_[4].entity = "people";
  ChainVerifier verifier;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(verifier.feed(chain_[static_cast<std::size_t>(i)]));
  }
  EXPECT_FALSE(verifier.feed(chain_[4]));
  // Later (good) entries don't clear or move the failure.
  EXPECT_FALSE(verifier.feed(chain_[5]));
  EXPECT_FALSE(verifier.feed(chain_[0]));
  EXPECT_EQ(verifier.result().first_bad_seq, 5);
  EXPECT_EQ(verifier.result().reason, "hash_mismatch");
  EXPECT_EQ(verifier.result().checked, 4);
}

// ---------------------------------------------------------------------------------------------
// Every field but `hash` feeds the chain hash.

struct Mutation {
  std::string field;
  std::function<void(Entry&)> apply;
};

void PrintTo(const Mutation& m, std::ostream* os) { *os << m.field; }

class ChainHashSensitivityTest : public ::testing::TestWithParam<Mutation> {};

TEST_P(ChainHashSensitivityTest, ChangingTheFieldChangesTheHash) {
  Entry e = makeChain(1)[0];
  const std::string before = chainHash(e);
  GetParam().apply(e);
  EXPECT_NE(chainHash(e), before) << GetParam().field;
}

INSTANTIATE_TEST_SUITE_P(
    Fields, ChainHashSensitivityTest,
    ::testing::Values(Mutation{"seq", [](Entry& e) { e.seq += 1; }},
                      Mutation{"at", [](Entry& e) { e.at += std::chrono::milliseconds{1}; }},
                      Mutation{"actor_id", [](Entry& e) { e.actor_id += 1; }},
                      Mutation{"actor_name", [](Entry& e) { e.actor_name += "x"; }},
                      Mutation{"client_address", [](Entry& e) { e.client_address = "10.0.0.8"; }},
                      Mutation{"action", [](Entry& e) { e.action = "delete"; }},
                      Mutation{"entity", [](Entry& e) { e.entity = "people"; }},
                      Mutation{"entity_id", [](Entry& e) { e.entity_id += 1; }},
                      Mutation{"org_path", [](Entry& e) { e.org_path = "/1/5/"; }},
                      Mutation{"before_json", [](Entry& e) { e.before_json = "{}"; }},
                      Mutation{"after_json", [](Entry& e) { e.after_json += " "; }},
                      Mutation{"prev_hash", [](Entry& e) { e.prev_hash = std::string(64, 'f'); }}),
    [](const ::testing::TestParamInfo<Mutation>& param_info) { return param_info.param.field; });

TEST(ChainHashTest, StoredHashDoesNotFeedItsOwnHash) {
  Entry e = makeChain(1)[0];
  const std::string h = chainHash(e);
  e.hash = "anything";
  EXPECT_EQ(chainHash(e), h);
}

// ---------------------------------------------------------------------------------------------
// canonicalContent is unambiguous.

TEST(CanonicalContentTest, MovingTextBetweenAdjacentFieldsChangesTheContent) {
  Entry a = sampleEntry(1);
  Entry b = a;
  a.actor_name = "ab";
  a.client_address = "c";
  b.actor_name = "a";
  b.client_address = "bc";
  EXPECT_NE(canonicalContent(a), canonicalContent(b));
  EXPECT_NE(chainHash(a), chainHash(b));
}

TEST(CanonicalContentTest, MovingJsonBetweenBeforeAndAfterChangesTheContent) {
  Entry a = sampleEntry(1);
  Entry b = a;
  a.before_json = "{\"x\":1}";
  a.after_json = "";
  b.before_json = "";
  b.after_json = "{\"x\":1}";
  EXPECT_NE(canonicalContent(a), canonicalContent(b));
}

TEST(CanonicalContentTest, SeparatorCharactersInsideFieldsCannotForgeABoundary) {
  Entry a = sampleEntry(1);
  Entry b = a;
  a.action = "x;1:y";
  a.entity = "";
  b.action = "x";
  b.entity = "y";
  EXPECT_NE(canonicalContent(a), canonicalContent(b));
}

TEST(CanonicalContentTest, EmptyAndMissingTextAreDistinctFromNumbers) {
  Entry a = sampleEntry(1);
  Entry b = a;
  a.entity_id = 12;
  a.org_path = "";
  b.entity_id = 1;
  b.org_path = "2";
  EXPECT_NE(canonicalContent(a), canonicalContent(b));
}

TEST(CanonicalContentTest, ExcludesTheHashAndPrevHash) {
  Entry a = sampleEntry(1);
  Entry b = a;
  b.hash = "h";
  b.prev_hash = "p";
  EXPECT_EQ(canonicalContent(a), canonicalContent(b));
}

}  // namespace
}  // namespace anguan::audit
