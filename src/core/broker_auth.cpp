#include "anguan/core/broker_auth.hpp"

#include <array>

#include <sodium.h>

#include "anguan/core/assert.hpp"
#include "anguan/core/crypto.hpp"

namespace anguan::broker {
namespace {

constexpr std::uint32_t kMosquittoIterations = 101;
constexpr std::size_t kMosquittoSaltBytes = 12;

bool validName(std::string_view name, std::string_view also_banned) {
  if (name.empty()) {
    return false;
  }
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7F || also_banned.find(ch) != std::string_view::npos) {
      return false;
    }
  }
  return true;
}

Error badUsername(std::string_view name) {
  return Error::invalidArgument("mqtt.bad_username",
                                "MQTT user names must be non-empty without ':', spaces or "
                                "control characters")
      .with("username", std::string(name));
}

}  // namespace

std::string pbkdf2HmacSha512(std::string_view password, std::string_view salt,
                             std::uint32_t iterations, std::size_t key_length) {
  AG_CHECK(iterations >= 1 && key_length >= 1, "PBKDF2 needs iterations and a key length");
  crypto::initCrypto();
  constexpr std::size_t kH = crypto_auth_hmacsha512_BYTES;
  // The keyed state is computed once and copied for every HMAC (the state is a plain struct).
  crypto_auth_hmacsha512_state keyed;
  crypto_auth_hmacsha512_init(&keyed, reinterpret_cast<const unsigned char*>(password.data()),
                              password.size());
  std::string out;
  out.reserve(key_length);
  for (std::uint32_t block = 1; out.size() < key_length; ++block) {
    std::array<unsigned char, kH> u{};
    std::array<unsigned char, kH> t{};
    const unsigned char index[4] = {
        static_cast<unsigned char>(block >> 24), static_cast<unsigned char>(block >> 16),
        static_cast<unsigned char>(block >> 8), static_cast<unsigned char>(block)};
    auto st = keyed;
    crypto_auth_hmacsha512_update(&st, reinterpret_cast<const unsigned char*>(salt.data()),
                                  salt.size());
    crypto_auth_hmacsha512_update(&st, index, sizeof index);
    crypto_auth_hmacsha512_final(&st, u.data());
    t = u;
    for (std::uint32_t i = 1; i < iterations; ++i) {
      st = keyed;
      crypto_auth_hmacsha512_update(&st, u.data(), u.size());
      crypto_auth_hmacsha512_final(&st, u.data());
      for (std::size_t k = 0; k < kH; ++k) {
        t[k] ^= u[k];
      }
    }
    const std::size_t take = std::min(kH, key_length - out.size());
    out.append(reinterpret_cast<const char*>(t.data()), take);
  }
  sodium_memzero(&keyed, sizeof keyed);
  return out;
}

std::string mosquittoPasswordHash(std::string_view password, std::string_view salt) {
  const auto hash = pbkdf2HmacSha512(password, salt, kMosquittoIterations, 64);
  return "$7$" + std::to_string(kMosquittoIterations) + "$" + crypto::base64Encode(salt) + "$" +
         crypto::base64Encode(hash);
}

std::string mosquittoPasswordHash(std::string_view password) {
  crypto::initCrypto();
  std::array<char, kMosquittoSaltBytes> salt{};
  randombytes_buf(salt.data(), salt.size());
  return mosquittoPasswordHash(password, std::string_view(salt.data(), salt.size()));
}

bool mosquittoPasswordMatches(std::string_view hash, std::string_view password) {
  // "$7$<iterations>$<salt>$<hash>"
  if (hash.substr(0, 3) != "$7$") {
    return false;
  }
  const auto rest = hash.substr(3);
  const auto d1 = rest.find('$');
  const auto d2 = d1 == std::string_view::npos ? d1 : rest.find('$', d1 + 1);
  if (d2 == std::string_view::npos) {
    return false;
  }
  std::uint32_t iterations = 0;
  for (const char c : rest.substr(0, d1)) {
    if (c < '0' || c > '9' || iterations > 10'000'000) {
      return false;
    }
    iterations = iterations * 10 + static_cast<std::uint32_t>(c - '0');
  }
  const auto salt = crypto::base64Decode(rest.substr(d1 + 1, d2 - d1 - 1));
  const auto expected = crypto::base64Decode(rest.substr(d2 + 1));
  if (iterations == 0 || !salt || !expected || expected->empty() || expected->size() > 64) {
    return false;
  }
  const auto actual = pbkdf2HmacSha512(password, *salt, iterations, expected->size());
  return sodium_memcmp(actual.data(), expected->data(), actual.size()) == 0;
}

Result<std::string> mosquittoPasswordFile(const std::vector<BrokerUser>& users) {
  std::string out;
  for (const auto& u : users) {
    if (!validName(u.username, ":")) {
      return badUsername(u.username);
    }
    if (u.password_hash.rfind("$7$", 0) != 0 ||
        u.password_hash.find_first_of(":\r\n") != std::string::npos) {
      return Error::invalidArgument("mqtt.bad_password_hash",
                                    "MQTT password hashes must be Mosquitto $7$ hashes")
          .with("username", u.username);
    }
    out += u.username + ":" + u.password_hash + "\n";
  }
  return out;
}

Result<std::string> mosquittoAcl(std::string_view service_user,
                                 const std::vector<DeviceAccess>& devices) {
  if (!validName(service_user, ":")) {
    return badUsername(service_user);
  }
  std::string out =
      "# Generated by anguan: the service reads every device topic; each device writes only\n"
      "# under its own code.\n";
  out += "user " + std::string(service_user) + "\n";
  out += "topic read anguan/#\n";
  for (const auto& d : devices) {
    if (!validName(d.username, ":")) {
      return badUsername(d.username);
    }
    if (!validName(d.device_code, "/+#")) {
      return Error::invalidArgument("mqtt.bad_device_code",
                                    "device codes in topics must be non-empty without '/', '+', "
                                    "'#', spaces or control characters")
          .with("device_code", d.device_code);
    }
    out += "\nuser " + d.username + "\n";
    out += "topic write anguan/+/" + d.device_code + "/#\n";
  }
  return out;
}

Result<std::string> mosquittoAclForCodes(std::string_view service_user,
                                         const std::vector<std::string>& device_codes) {
  std::vector<DeviceAccess> devices;
  devices.reserve(device_codes.size());
  for (const auto& code : device_codes) {
    devices.push_back({code, code});
  }
  return mosquittoAcl(service_user, devices);
}

}  // namespace anguan::broker
