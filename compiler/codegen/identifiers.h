// Names and literals as they appear in generated C++.
#pragma once

#include <string>

namespace tessel {

// A C identifier from a network or layer name: other characters become '_',
// and a leading digit gets an 'n' in front ("yolov2-16" -> "yolov2_16").
std::string cIdentifier(const std::string &name);

// Upper-case form for macros ("yolov2_16" -> "YOLOV2_16").
std::string macroName(const std::string &identifier);

// A float literal that reads back to exactly `value` ("0.1f", "1.0f").
std::string floatLiteral(float value);

} // namespace tessel
