// Console module
