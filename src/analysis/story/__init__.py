"""What the pages say: which rows a chart shows, and the words and numbers around it."""
