using System;
using System.IO;
using System.Reflection;
using System.Text;
using BqBackup.Snapshot;

namespace BqBackup.Sample
{
    /// <summary>Just enough MessagePack to write maps of strings and integers, as bunqueue's payload BLOBs are.</summary>
    internal static class MessagePack
    {
        public static byte[] Map(params (string key, object value)[] entries)
        {
            using (var m = new MemoryStream())
            {
                if (entries.Length < 16) m.WriteByte((byte)(0x80 | entries.Length));
                else { m.WriteByte(0xde); m.WriteByte((byte)(entries.Length >> 8)); m.WriteByte((byte)entries.Length); }
                foreach (var (key, value) in entries)
                {
                    WriteString(m, key);
                    if (value is string s) WriteString(m, s);
                    else WriteInt(m, Convert.ToInt64(value));
                }
                return m.ToArray();
            }
        }

        private static void WriteString(Stream m, string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            if (bytes.Length < 32) m.WriteByte((byte)(0xa0 | bytes.Length));
            else if (bytes.Length < 256) { m.WriteByte(0xd9); m.WriteByte((byte)bytes.Length); }
            else if (bytes.Length < 65536) { m.WriteByte(0xda); m.WriteByte((byte)(bytes.Length >> 8)); m.WriteByte((byte)bytes.Length); }
            else { m.WriteByte(0xdb); for (var shift = 24; shift >= 0; shift -= 8) m.WriteByte((byte)(bytes.Length >> shift)); }
            m.Write(bytes, 0, bytes.Length);
        }

        private static void WriteInt(Stream m, long v)
        {
            if (v >= 0 && v < 128) { m.WriteByte((byte)v); return; }
            m.WriteByte(0xd3);
            for (var shift = 56; shift >= 0; shift -= 8) m.WriteByte((byte)(v >> shift));
        }
    }
}
