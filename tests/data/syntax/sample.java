import java.util.List;

// ai: make it a record
public class Greeter {
    private final String name;

    public Greeter(String name) {
        this.name = name;
    }

    static String greet(String name) {
        String message = "Hello, " + name;
        int a = 1; int b = 2;
        if (name != null) {
            System.out.println(message);
        }
        return message;
    }
}
