namespace BqBackup.Codec
{
    /// <summary>
    /// How a backup body is compressed. Gzip (the default) is the format bunqueue's own restore reads;
    /// Zstd is opt-in: faster and smaller, read by this module and the stock <c>zstd -d</c>, not by bunqueue.
    /// </summary>
    public enum BqCompression
    {
        Gzip,
        Zstd,
    }
}
