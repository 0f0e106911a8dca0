"""What respondents are told when an answer or a code cannot be accepted."""
