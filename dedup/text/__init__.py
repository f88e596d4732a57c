"""One text on its own: normalised words, sentences, stems, quotations, word rarity, surface style."""
