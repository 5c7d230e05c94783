"""Payment adapters (a fake gateway, a real processor): they arrive with the billing issue."""
