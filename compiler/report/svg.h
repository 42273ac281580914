// The few SVG pieces the report pictures share.
#pragma once

#include <string>
#include <vector>

namespace tessel::svg {

std::string escape(const std::string &text);

// The document's opening tag with a white background, and its end.
std::string open(int width, int height);
std::string close();

std::string text(double x, double y, const std::string &content, const char *anchor = "start",
                 int size = 12, const char *extra = "");

// Round values for axis ticks covering [low, high]: about `count` of them.
std::vector<double> niceTicks(double low, double high, int count);

} // namespace tessel::svg
