package main

import "fmt"

// ai: return an error too
type Greeter struct {
	Name string
}

func (g Greeter) Shout(text string) string {
	return text + "!"
}

func greet(name string) string {
	message := "Hello, " + name
	if name != "" {
		fmt.Println(message)
	}
	return message
}

var x = 1; var y = 2
