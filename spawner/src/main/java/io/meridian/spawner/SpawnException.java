package io.meridian.spawner;

/** A spawn or stop failed; the message is shown to the user as is, so it says what happened and what to do. */
public class SpawnException extends Exception {
    public SpawnException(String message) {
        super(message);
    }

    public SpawnException(String message, Throwable cause) {
        super(message, cause);
    }
}
