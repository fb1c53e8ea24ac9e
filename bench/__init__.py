"""`make bench`: speed, DynamoDB work and size of the service, beside a floor handler."""
