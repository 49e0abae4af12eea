// JSON value lines (json_lines.h): one pass over the text, a stack of open containers.
#include "lab/json_lines.h"

#include <vector>

namespace kraftlab::lab {

namespace {

std::string escape_token(const std::string& name) {
    std::string out;
    for (char c : name) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

struct Open {
    bool object = false;
    std::string pointer;   // the container's own pointer
    std::string key;       // object: the member whose value comes next
    bool want_key = true;  // object: a string now is a key, not a value
    int index = 0;         // array: the next element's index
};

}  // namespace

std::map<std::string, int> json_value_lines(std::string_view text) {
    std::map<std::string, int> lines;
    std::vector<Open> stack;
    int line = 1;
    // The pointer of the value that starts here, given the innermost open container.
    auto value_pointer = [&]() -> std::string {
        if (stack.empty()) return "";
        Open& top = stack.back();
        if (top.object) return top.pointer + "/" + escape_token(top.key);
        return top.pointer + "/" + std::to_string(top.index++);
    };
    auto start_value = [&]() -> std::string {
        std::string p = value_pointer();
        lines.emplace(p, line);
        return p;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            ++line;
        } else if (c == '{' || c == '[') {
            const std::string p = start_value();
            stack.push_back({c == '{', p, {}, true, 0});
        } else if (c == '}' || c == ']') {
            if (!stack.empty()) stack.pop_back();
        } else if (c == ':') {
            if (!stack.empty()) stack.back().want_key = false;
        } else if (c == ',') {
            if (!stack.empty() && stack.back().object) stack.back().want_key = true;
        } else if (c == '"') {
            std::string s;
            std::size_t j = i + 1;
            for (; j < text.size() && text[j] != '"'; ++j) {
                if (text[j] == '\\' && j + 1 < text.size()) {
                    ++j;  // an escape: its character is not the closing quote
                    s += text[j] == 'n' ? '\n' : text[j];
                } else {
                    if (text[j] == '\n') ++line;
                    s += text[j];
                }
            }
            if (!stack.empty() && stack.back().object && stack.back().want_key) {
                stack.back().key = s;
            } else {
                start_value();
            }
            i = j;
        } else if (c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n') {
            start_value();
            while (i + 1 < text.size() && text[i + 1] != ',' && text[i + 1] != '}' &&
                   text[i + 1] != ']' && text[i + 1] != '\n' && text[i + 1] != ' ' &&
                   text[i + 1] != '\t' && text[i + 1] != '\r')
                ++i;
        }
    }
    return lines;
}

int json_line_of(const std::map<std::string, int>& lines, std::string pointer) {
    for (;;) {
        if (auto it = lines.find(pointer); it != lines.end()) return it->second;
        if (pointer.empty()) return 1;
        pointer.erase(pointer.rfind('/'));
    }
}

}  // namespace kraftlab::lab
