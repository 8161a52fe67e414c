-- A civil servant's NIP, printed under their name on the letters they sign.
ALTER TABLE users ADD COLUMN nip TEXT;
