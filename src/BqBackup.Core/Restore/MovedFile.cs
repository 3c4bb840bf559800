using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using BqBackup.Codec;
using BqBackup.IO;
using BqBackup.Snapshot;
using BqBackup.Storage;

namespace BqBackup.Restore
{
    public sealed class MovedFile
    {
        public MovedFile(string from, string to)
        {
            From = from;
            To = to;
        }

        public string From { get; }
        public string To { get; }
        public override string ToString() => $"{From} -> {To}";
    }
}
