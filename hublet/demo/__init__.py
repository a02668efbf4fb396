"""Demo content written for Hublet: original text and generated images, never copied articles."""
