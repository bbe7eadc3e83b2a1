package app;

public final class Timer {
    private final String label;
    private long startNanos;
    private long elapsedNanos;

    public Timer(String label) {
        this.label = label;
    }

    public void start() {
        startNanos = System.nanoTime();
    }

    public void stop() {
        elapsedNanos += System.nanoTime() - startNanos;
    }

    public String describe() {
        return label + ": " + (elapsedNanos / 1_000_000) + " ms";
    }
}
