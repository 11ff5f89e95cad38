const C=836,d=[836],O={4836:((n,o,t)=>{t.r(o),t.d(o,{CONNECTIONS_PER_CHECK:()=>s.x,HttpClient:()=>E.Qq,createTransport:()=>s.o});var E=t(4087),s=t(4143)})};export{C as id,d as ids,O as modules};
