using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace BqBackup.Storage
{
    /// <summary>An object in a store: Key is relative to the store's root (its folder or S3 prefix).</summary>
    public sealed class StoreObject
    {
        public StoreObject(string key, long size, DateTimeOffset lastModified)
        {
            Key = key;
            Size = size;
            LastModified = lastModified;
        }

        public string Key { get; }
        public long Size { get; }
        public DateTimeOffset LastModified { get; }
    }
}
