"""The dialogue: who is speaking, what is pending, and which route answers a message."""
