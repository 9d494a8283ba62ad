import gc
gc.collect()
gc.disable()

class TempFile:
    def __init__(self, path):
        self.path = path
        self.closed = False
        print(f"  open {self.path}")
    def close(self):
        if not self.closed:
            print(f"  close {self.path}")
            self.closed = True
    def __del__(self):
        print("  __del__ calls close()")
        self.close()

log = TempFile('log.tmp')
log.owner = log  # a cycle: log.owner is log
print("del log  (the collector is disabled)")
del log
print("... the program keeps running; log.tmp is still open")
report = TempFile('report.tmp')
report.owner = report
report.close()  # closed when the program says so
del report
print("gc.enable(); gc.collect()")
gc.enable()
print(f"gc.collect() = {gc.collect()}")
