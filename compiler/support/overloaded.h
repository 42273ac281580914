// A visitor from lambdas, one per alternative of a std::variant:
//
//   std::visit(Overloaded{[](const TileGrid &grid) { ... },
//                         [](const Stripes &stripes) { ... }},
//              way);
//
// Without a generic lambda among them, an alternative no lambda takes is a
// compile error, so adding an alternative points at every place to decide.
#pragma once

namespace tessel {

template <class... Ts> struct Overloaded : Ts... { using Ts::operator()...; };
template <class... Ts> Overloaded(Ts...) -> Overloaded<Ts...>;

} // namespace tessel
