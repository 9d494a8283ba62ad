import os

def get_memory_usage():
    """Get current process memory"""
    # The seed uses psutil, which a bare python3 lacks. On Linux psutil reads the same two
    # figures from /proc (statm, in pages); /proc/<pid>/status has them in kB.
    with open(f"/proc/{os.getpid()}/status") as f:
        fields = dict(line.split(":", 1) for line in f)
    rss = int(fields["VmRSS"].split()[0]) * 1024
    vms = int(fields["VmSize"].split()[0]) * 1024

    return {
        'rss': rss / 1024 / 1024,  # MB
        'vms': vms / 1024 / 1024   # MB
    }

usage = get_memory_usage()
print(f"get_memory_usage() keys: {list(usage)}")
print(f"rss > 0: {usage['rss'] > 0}")
print(f"vms >= rss: {usage['vms'] >= usage['rss']}")
