#include <string>

// ai: use string_view
class Greeter {
public:
    std::string shout(const std::string &text) {
        return text + "!";
    }
};

namespace demo {
std::string greet(const std::string &name) {
    std::string message = "Hello, " + name;
    if (!name.empty()) {
        message += "!";
    }
    return message;
}
}

int x = 1; int y = 2;
