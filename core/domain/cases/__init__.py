"""Cases: kinds, memberships, responsibilities, the access policy, history."""
