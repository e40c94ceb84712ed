// Translated error messages by stable error key (zh-CN default, en).
#pragma once

#include <string>

#include "anguan/core/result.hpp"

namespace anguan::api {

// "en" for English Accept-Language / ?lang values, else "zh-CN".
std::string pickLanguage(const std::string& accept_language, const std::string& lang_param);

// The message for `error` in `language`; falls back to the error's English text for en, and to a
// generic Chinese message by error code for zh-CN when the key has no translation.
std::string translate(const Error& error, const std::string& language);

// All keys with translations (for the OpenAPI document and tests).
std::vector<std::string> translatedKeys();

}  // namespace anguan::api
