using System;

namespace BqBackup.Locking
{
    /// <summary>One version of a key in a versioned bucket: an object version or a delete marker.</summary>
    public sealed class StoreVersion
    {
        public string Key { get; set; }
        public string VersionId { get; set; }
        public bool IsDeleteMarker { get; set; }
        public bool IsLatest { get; set; }
        public DateTimeOffset LastModified { get; set; }
    }
}
