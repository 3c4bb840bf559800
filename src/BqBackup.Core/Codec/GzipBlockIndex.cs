using System;
using System.Collections.Generic;
using System.IO;

namespace BqBackup.Codec
{
    /// <summary>
    /// Where each independently deflated block of a gzip body we wrote starts: the uncompressed
    /// block size and every block's compressed length (its sync flush included), so a restore can
    /// inflate the blocks on every core. The body itself stays one plain gzip member; the index
    /// lives in the sidecar ("gzipBlocks"), which bunqueue's restore ignores. Lengths are stored
    /// as unsigned LEB128 varints in base64url: 4 characters a block, 4 KB for a 1 GiB database.
    /// It refers to the gzip stream, so under age encryption it indexes the decrypted stream.
    /// </summary>
    public sealed class GzipBlockIndex
    {
        /// <summary>The gzip header ParallelGzipStream writes: 10 bytes, no optional fields. The first block starts after it.</summary>
        internal const int HeaderLength = 10;
        internal const int MinBlockSize = 1 << 16;
        /// <summary>Bounds what a crafted sidecar can make a restore hold: about 10 blocks of it are in memory at once.</summary>
        internal const int MaxBlockSize = 1 << 22;
        /// <summary>64 GiB of 1 MiB blocks: an index beyond it is junk, not a database we wrote.</summary>
        internal const int MaxBlocks = 1 << 16;

        internal GzipBlockIndex(int blockSize, IReadOnlyList<int> compressedLengths)
        {
            BlockSize = blockSize;
            CompressedLengths = compressedLengths;
        }

        /// <summary>Uncompressed bytes in every block but the last (which holds the rest, at least one byte).</summary>
        public int BlockSize { get; }

        /// <summary>Compressed bytes of each block in order; the first starts right after the 10-byte gzip header.</summary>
        public IReadOnlyList<int> CompressedLengths { get; }

        public int Count => CompressedLengths.Count;

        /// <summary>Whether the index can describe a database of <paramref name="rawLength"/> bytes: every block but the last full, the last not empty.</summary>
        internal bool Fits(long rawLength) =>
            Count > 0 && rawLength > (long)(Count - 1) * BlockSize && rawLength <= (long)Count * BlockSize;

        /// <summary>The "lengths" field: base64url (no padding) of LEB128 varints.</summary>
        public string EncodeLengths()
        {
            using (var buffer = new MemoryStream())
            {
                foreach (var length in CompressedLengths)
                {
                    var v = (uint)length;
                    while (v >= 0x80)
                    {
                        buffer.WriteByte((byte)(v | 0x80));
                        v >>= 7;
                    }
                    buffer.WriteByte((byte)v);
                }
                // base64url: JSON writers escape '+' as \u002B, which would double the field.
                return Convert.ToBase64String(buffer.ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            }
        }

        /// <summary>An index from the sidecar's fields; null for anything malformed (the restore then reads the body as one stream).</summary>
        public static GzipBlockIndex TryDecode(long blockSize, string lengths)
        {
            if (blockSize < MinBlockSize || blockSize > MaxBlockSize || string.IsNullOrEmpty(lengths) || lengths.Length > MaxBlocks * 8) return null;
            byte[] bytes;
            var standard = lengths.Replace('-', '+').Replace('_', '/');
            try { bytes = Convert.FromBase64String(standard.PadRight(standard.Length + (4 - standard.Length % 4) % 4, '=')); }
            catch (FormatException) { return null; }
            // Deflate grows incompressible data by a few bytes per 16 KiB; anything larger is not one of our blocks.
            var maxLength = (int)blockSize + (int)blockSize / 64 + 4096;
            var list = new List<int>();
            var i = 0;
            while (i < bytes.Length)
            {
                long v = 0;
                var shift = 0;
                while (true)
                {
                    if (i >= bytes.Length || shift > 28) return null;
                    var b = bytes[i++];
                    v |= (long)(b & 0x7f) << shift;
                    if ((b & 0x80) == 0) break;
                    shift += 7;
                }
                if (v < 2 || v > maxLength || list.Count >= MaxBlocks) return null;
                list.Add((int)v);
            }
            return list.Count == 0 ? null : new GzipBlockIndex((int)blockSize, list);
        }
    }
}
