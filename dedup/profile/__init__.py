"""Document -> Profile: shingles, MinHash (datasketch), TF-IDF (scikit-learn), made once per document."""
