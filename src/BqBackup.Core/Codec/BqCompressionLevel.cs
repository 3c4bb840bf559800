using System;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;

namespace BqBackup.Codec
{
    public enum BqCompressionLevel
    {
        Optimal,
        Fastest,
        SmallestSize,
    }
}
