"""Face recognition: enrollment with consent, encrypted templates, the matcher and the door camera."""
