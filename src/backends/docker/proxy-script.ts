/**
 * The latency proxy, in Perl (perl-base is in most Debian-based images, and it needs no
 * module outside it). It runs in the target's network namespace, where iptables REDIRECTs
 * new TCP connections to the target to it. Arguments: delay ms, jitter ms, and the file to
 * write the port it listens on (the kernel picks a free one). Per connection it asks the
 * kernel where the client meant to go (SO_ORIGINAL_DST) and connects there, inside the
 * namespace, so it reaches the target's own socket; what the client sends goes through as
 * it comes; what the target sends is stamped when it arrives and written out when its
 * moment has come (arrival + delay ± jitter, one jitter for the chunks of one answer,
 * never before the chunk ahead of it), by a
 * second process, so that the delay does not throttle a stream.
 */
export const PROXY_SCRIPT = String.raw`
use strict; use warnings; use IO::Socket::INET; use Socket; use Time::HiRes qw(time sleep);
my ($delay, $jitter, $portfile) = @ARGV; $delay /= 1000; $jitter /= 1000;
$SIG{CHLD} = 'IGNORE'; $SIG{PIPE} = 'IGNORE';
my $l = IO::Socket::INET->new(LocalAddr => '0.0.0.0', LocalPort => 0, Listen => 128, ReuseAddr => 1, Proto => 'tcp') or die "prenv proxy: cannot listen: $!\n";
open(my $pf, '>', "$portfile.tmp") or die "prenv proxy: $portfile: $!\n"; print {$pf} $l->sockport, "\n"; close $pf; rename("$portfile.tmp", $portfile);
$SIG{TERM} = sub { exit 0 };
while (1) {
  my $c = $l->accept or next;
  my $pid = fork;
  if (!defined $pid || $pid) { close $c; next }
  close $l;
  # SO_ORIGINAL_DST (80) at SOL_IP (0): the address and port before the REDIRECT, a
  # sockaddr_in (16 bytes) in a larger buffer; copied out, as unpack_sockaddr_in does not
  # read a substr() passed to it.
  my $orig = getsockopt($c, 0, 80) or exit 1;
  my $sin = substr($orig, 0, 16);
  my ($port, $addr) = unpack_sockaddr_in($sin);
  my $u = IO::Socket::INET->new(PeerAddr => inet_ntoa($addr), PeerPort => $port, Proto => 'tcp') or exit 1;
  if (!fork) { plain($c, $u); exit 0 }
  delayed($u, $c); exit 0;
}
sub plain { my ($from, $to) = @_; my $buf; while (sysread($from, $buf, 65536)) { defined(syswrite($to, $buf)) or last } shutdown($to, 1) }
sub delayed {
  my ($from, $to) = @_;
  pipe(my $r, my $w) or die "prenv proxy: pipe: $!\n";
  my $pid = fork;
  if (!$pid) {
    close $w; my ($hdr, $buf);
    while (read($r, $hdr, 12) == 12) {
      my ($due, $len) = unpack('dN', $hdr); read($r, $buf, $len);
      my $wait = $due - time; sleep $wait if $wait > 0;
      defined(syswrite($to, $buf)) or last;
    }
    shutdown($to, 1); exit 0;
  }
  close $r; my $buf; my $last = 0; my $off = 0;
  while (sysread($from, $buf, 65536)) {
    my $now = time;
    # A chunk that comes while the one ahead still waits is the same answer: it keeps that
    # answer's jitter, so that an answer in several writes is not delayed by the largest draw.
    $off = $jitter ? (rand(2) - 1) * $jitter : 0 if $now >= $last;
    my $due = $now + $delay + $off;
    $due = $last if $due < $last; $last = $due;
    print {$w} pack('dN', $due, length $buf), $buf; $w->flush;
  }
  close $w; waitpid($pid, 0);
}
`;
