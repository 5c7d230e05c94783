"""People, organizations, staff members and their credentials."""
