"""Running the service on this machine: the API on loopback, DynamoDB from moto."""
