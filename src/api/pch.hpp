// Precompiled header for the api layer: Beast, Asio and JSON are slow to parse.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/json.hpp>
#include <boost/url.hpp>
