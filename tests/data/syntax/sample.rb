require "set"

# ai: use keyword arguments
class Greeter
  def initialize(name)
    @name = name
  end
end

def greet(name)
  message = "Hello, " + name
  if name
    puts message
  end
  message
end

x = 1; y = 2
