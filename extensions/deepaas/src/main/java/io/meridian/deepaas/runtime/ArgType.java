package io.meridian.deepaas.runtime;

/** The argument types DEEPaaS models declare, with their Swagger 2.0 type names. */
public enum ArgType {
    INTEGER("integer"),
    NUMBER("number"),
    STRING("string"),
    BOOLEAN("boolean"),
    FILE("file");

    private final String swaggerType;

    ArgType(String swaggerType) {
        this.swaggerType = swaggerType;
    }

    public String swaggerType() {
        return swaggerType;
    }
}
