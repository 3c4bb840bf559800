using System;

namespace BqBackup.IO
{
    /// <summary>What statx says of one file (never of what a link points to, unless asked).</summary>
    internal readonly struct FileStatus
    {
        public FileStatus(uint mode, uint uid, uint gid, uint links, ulong inode, uint devMajor, uint devMinor, long size)
        {
            Mode = mode;
            Uid = uid;
            Gid = gid;
            Links = links;
            Inode = inode;
            DevMajor = devMajor;
            DevMinor = devMinor;
            Size = size;
        }

        /// <summary>st_mode: the type bits and the permission bits.</summary>
        public uint Mode { get; }
        public uint Uid { get; }
        public uint Gid { get; }
        public uint Links { get; }
        public ulong Inode { get; }
        public uint DevMajor { get; }
        public uint DevMinor { get; }
        public long Size { get; }

        public uint Permissions => Mode & 0xFFFu;
        public bool IsRegularFile => (Mode & 0xF000u) == 0x8000u;
        public bool IsDirectory => (Mode & 0xF000u) == 0x4000u;
        public bool IsSymbolicLink => (Mode & 0xF000u) == 0xA000u;

        /// <summary>"major:minor:inode": two names with the same id are the same file.</summary>
        public string Id => $"{DevMajor}:{DevMinor}:{Inode}";

        public bool IsSameFile(FileStatus other) => Inode == other.Inode && DevMajor == other.DevMajor && DevMinor == other.DevMinor;

        /// <summary>Reads statx's buffer, whose layout is the same on every Linux architecture.</summary>
        internal static FileStatus FromStatx(byte[] b) => new FileStatus(
            BitConverter.ToUInt16(b, 28), BitConverter.ToUInt32(b, 20), BitConverter.ToUInt32(b, 24), BitConverter.ToUInt32(b, 16),
            BitConverter.ToUInt64(b, 32), BitConverter.ToUInt32(b, 136), BitConverter.ToUInt32(b, 140), (long)BitConverter.ToUInt64(b, 40));
    }
}
