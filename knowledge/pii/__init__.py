"""Personal data: detection (Presidio + French recognizers), pseudonymisation, erasure."""
