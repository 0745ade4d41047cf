// NcursesBackend module
import CNcursesw
