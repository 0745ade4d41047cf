// MammonCore module
