// Where each value of a JSON text starts: its line, by JSON pointer ("/steps/2/at" -> 41). For
// error messages that name a file's line (a scenario file's field), which nlohmann::json does
// not keep once parsed. Pure; call it only on text that parsed.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace kraftlab::lab {

// Every value's line (1-based), keyed by its JSON pointer ("" for the whole document). Object
// members are keyed by name, array elements by index; "~" and "/" in names are escaped as in
// RFC 6901 (~0, ~1), as nlohmann::json_pointer does.
std::map<std::string, int> json_value_lines(std::string_view text);

// The line of `pointer`, or of its nearest ancestor that has one (1 if none).
int json_line_of(const std::map<std::string, int>& lines, std::string pointer);

}  // namespace kraftlab::lab
