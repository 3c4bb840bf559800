using System;
using System.IO;

namespace BqBackup.Codec
{
    internal static class StreamUtil
    {
        /// <summary>Reads until the buffer is full or the stream ends.</summary>
        public static int ReadFully(Stream s, byte[] buffer, int count, int offset = 0)
        {
            var total = 0;
            while (total < count)
            {
                var n = s.Read(buffer, offset + total, count - total);
                if (n == 0) break;
                total += n;
            }
            return total;
        }
    }
}
