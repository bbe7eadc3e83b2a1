// Summary statistics over arrays of numbers.

function mean(xs) {
  let s=0;
  for (let i=0;i<xs.length;i++) s+=xs[i];
  return s/xs.length;
}

function variance(xs) {
  const m=mean(xs);
  let s=0;
  for (let i=0;i<xs.length;i++) s+=(xs[i]-m)*(xs[i]-m);
  return s/(xs.length-1);
}

module.exports = { mean, variance };
