"""What every domain uses and that knows no domain."""
