using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace BqBackup.IO
{
    internal sealed class FileHolder
    {
        public FileHolder(int processId, string processName, string path)
        {
            ProcessId = processId;
            ProcessName = processName;
            Path = path;
        }

        public int ProcessId { get; }
        public string ProcessName { get; }
        public string Path { get; }
        public override string ToString() => $"{ProcessName} (pid {ProcessId})";
    }
}
