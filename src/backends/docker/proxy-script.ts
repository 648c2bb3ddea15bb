/**
 * The latency proxy, in Perl (perl-base is in most Debian-based images, and it needs no
 * module outside it). Arguments: delay ms, jitter ms, then listen-port:host:port for each
 * port. Per connection, what the client sends goes through as it comes; what the service
 * sends is stamped when it arrives and written out when its moment has come (arrival +
 * delay ± jitter, never before the chunk ahead of it), by a second process, so that the
 * delay does not throttle a stream.
 */
export const PROXY_SCRIPT = String.raw`
use strict; use warnings; use IO::Socket::INET; use Time::HiRes qw(time sleep);
my ($delay, $jitter, @maps) = @ARGV; $delay /= 1000; $jitter /= 1000;
$SIG{CHLD} = 'IGNORE'; $SIG{PIPE} = 'IGNORE';
my @kids;
for my $m (@maps) {
  my ($lp, $host, $port) = split /:/, $m;
  my $l = IO::Socket::INET->new(LocalPort => $lp, Listen => 128, ReuseAddr => 1, Proto => 'tcp') or die "prenv proxy: cannot listen on $lp: $!\n";
  my $pid = fork; die "prenv proxy: fork: $!\n" unless defined $pid;
  if (!$pid) { serve($l, $host, $port); exit 0 }
  close $l; push @kids, $pid;
}
$SIG{TERM} = sub { kill 'TERM', @kids; exit 0 };
sleep 3600 while 1;
sub serve {
  my ($l, $host, $port) = @_;
  while (1) {
    my $c = $l->accept or next;
    my $pid = fork;
    if (!defined $pid || $pid) { close $c; next }
    close $l;
    my $u = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Proto => 'tcp') or exit 1;
    if (!fork) { plain($c, $u); exit 0 }
    delayed($u, $c); exit 0;
  }
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
  close $r; my $buf; my $last = 0;
  while (sysread($from, $buf, 65536)) {
    my $due = time + $delay + ($jitter ? (rand(2) - 1) * $jitter : 0);
    $due = $last if $due < $last; $last = $due;
    print {$w} pack('dN', $due, length $buf), $buf; $w->flush;
  }
  close $w; waitpid($pid, 0);
}
`;
