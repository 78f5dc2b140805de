// Loads an XDF file with libxdf (Debian's libxdf-dev, the C++ reader by the XDF maintainers,
// github.com/xdf-modules/libxdf) and prints what it read as JSON, for test/helpers/libxdf-reader.ts.
// Built by that helper with: g++ -std=c++17 -O1 libxdf-dump.cpp -lxdf -o libxdf-dump
//
// Only the public members of Xdf and Xdf::Stream (/usr/include/xdf.h) are used. Note that
// Xdf::load_xdf() already adds each stream's clock offsets to its time stamps (syncTimeStamps), and
// keeps string samples in Xdf::eventMap rather than in the stream.
#include <xdf.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

static void printString(const std::string &s) {
  std::putchar('"');
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      std::printf("\\%c", c);
    } else if (c < 0x20) {
      std::printf("\\u%04x", c);
    } else {
      std::putchar(c);
    }
  }
  std::putchar('"');
}

static void printNumber(double v) {
  if (std::isfinite(v)) {
    std::printf("%.17g", v);
  } else {
    std::printf("null");
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FILE.xdf\n", argv[0]);
    return 2;
  }
  Xdf xdf;
  // load_xdf prints its progress on std::cout; keep stdout for the JSON.
  std::ostringstream chatter;
  std::streambuf *saved = std::cout.rdbuf(chatter.rdbuf());
  int status = xdf.load_xdf(argv[1]);
  std::cout.rdbuf(saved);
  if (status != 0) {
    std::fprintf(stderr, "load_xdf failed with status %d: %s\n", status, chatter.str().c_str());
    return 1;
  }
  std::printf("{\"version\":");
  printNumber(xdf.version);
  std::printf(",\"log\":");
  printString(chatter.str());
  std::printf(",\"streams\":[");
  for (size_t k = 0; k < xdf.streams.size(); k++) {
    const Xdf::Stream &s = xdf.streams[k];
    if (k > 0) std::putchar(',');
    std::printf("{\"name\":");
    printString(s.info.name);
    std::printf(",\"type\":");
    printString(s.info.type);
    std::printf(",\"channel_format\":");
    printString(s.info.channel_format);
    std::printf(",\"channel_count\":%d,\"nominal_srate\":", s.info.channel_count);
    printNumber(s.info.nominal_srate);
    std::printf(",\"channels\":[");
    for (size_t c = 0; c < s.info.channels.size(); c++) {
      if (c > 0) std::putchar(',');
      std::putchar('{');
      bool first = true;
      for (const auto &entry : s.info.channels[c]) {
        if (!first) std::putchar(',');
        first = false;
        printString(entry.first);
        std::putchar(':');
        printString(entry.second);
      }
      std::putchar('}');
    }
    std::printf("],\"sample_count\":%d,\"first_timestamp\":", s.info.sample_count);
    printNumber(s.info.first_timestamp);
    std::printf(",\"last_timestamp\":");
    printNumber(s.info.last_timestamp);
    std::printf(",\"time_stamps\":[");
    for (size_t i = 0; i < s.time_stamps.size(); i++) {
      if (i > 0) std::putchar(',');
      printNumber(s.time_stamps[i]);
    }
    // time_series is [channel][sample].
    std::printf("],\"time_series\":[");
    for (size_t c = 0; c < s.time_series.size(); c++) {
      if (c > 0) std::putchar(',');
      std::putchar('[');
      for (size_t i = 0; i < s.time_series[c].size(); i++) {
        if (i > 0) std::putchar(',');
        printNumber(s.time_series[c][i]);
      }
      std::putchar(']');
    }
    std::printf("],\"clock_times\":[");
    for (size_t i = 0; i < s.clock_times.size(); i++) {
      if (i > 0) std::putchar(',');
      printNumber(s.clock_times[i]);
    }
    std::printf("],\"clock_values\":[");
    for (size_t i = 0; i < s.clock_values.size(); i++) {
      if (i > 0) std::putchar(',');
      printNumber(s.clock_values[i]);
    }
    std::printf("],\"events\":[");
    bool first = true;
    for (const auto &event : xdf.eventMap) {
      if (event.second != static_cast<int>(k)) continue;
      if (!first) std::putchar(',');
      first = false;
      std::printf("{\"text\":");
      printString(event.first.first);
      std::printf(",\"time\":");
      printNumber(event.first.second);
      std::putchar('}');
    }
    std::printf("]}");
  }
  std::printf("]}\n");
  return 0;
}
